from fastapi import APIRouter

from kit.outbox_admin import outbox_admin_router

router: APIRouter = outbox_admin_router("matching")
