from fastapi import APIRouter, Response

from gateway.api.deps import KeysDep
from gateway.models import JwksDocument

router = APIRouter(tags=["keys"])


@router.get("/.well-known/jwks.json", response_model=JwksDocument)
def jwks(keys: KeysDep, response: Response) -> JwksDocument:
    """Public keys that verify access tokens: the current one and recently retired ones."""
    response.headers["Cache-Control"] = "public, max-age=300"
    return JwksDocument(**keys.jwks())
