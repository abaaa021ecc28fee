"""Gateway application."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.accounts import OUTBOX_WORKER, AccountGate, account_event_handlers
from gateway.api.routes import ROUTERS, meta
from gateway.core.config import Settings
from gateway.core.security import KeyRing, Passwords
from gateway.headers import with_security_headers
from gateway.openapi import SpecCache
from gateway.proxy import Proxy, UpstreamPool
from gateway.spa import install_spa
from gateway.throttle import LoginThrottle, ThrottlePolicy
from kit.access import publish_access_rules
from kit.app import freeze_startup_heap, service_operation_id
from kit.auth import JwksSource, TokenVerifier
from kit.db import make_engine
from kit.errors import ERROR_RESPONSES, install_error_handlers, publish_json_errors
from kit.inputs import check_inputs
from kit.limits import BodyLimitMiddleware
from kit.logging import RequestIdMiddleware, configure_logging
from kit.outbox import OutboxRelay
from kit.outbox_admin import outbox_admin_router
from kit.workers import PeriodicWorker

HOUSEKEEPING_SECONDS = 3600.0


def workers(app: FastAPI) -> list[PeriodicWorker]:
    """The outbox relay (account events to the services) and the hourly purge of stale sign-in counters."""
    settings: Settings = app.state.settings
    relay = OutboxRelay(app.state.engine, account_event_handlers(app.state.keys, settings), max_refusals=settings.outbox_max_refusals)
    throttle: LoginThrottle = app.state.login_throttle
    return [
        PeriodicWorker(OUTBOX_WORKER, relay.drain, settings.outbox_interval_seconds),
        PeriodicWorker("gateway-housekeeping", throttle.purge, HOUSEKEEPING_SECONDS),
    ]


class GatewayApp(FastAPI):
    """FastAPI, except that proxied paths skip its middleware, telemetry and routing: the hop stays thin."""

    proxy: Proxy | None = None
    proxy_entry: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            send = with_security_headers(send)
            if self.proxy_entry is not None and self.proxy is not None and self.proxy.target(scope["path"]):
                await self.proxy_entry(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None, *, run_workers: bool = True, engine: Engine | None = None) -> FastAPI:
    """Build the gateway: identity, admin API, the proxy to the services, the combined docs, the web app."""
    settings = settings or Settings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    keys = KeyRing.load(settings.signing_key_path, create=settings.environment != "production")
    pool = UpstreamPool(limit=settings.upstream_pool_size, connect_timeout=settings.upstream_connect_timeout,
                        read_timeout=settings.upstream_read_timeout, keepalive=settings.upstream_keepalive_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool.session()
        started = workers(app) if run_workers else []
        for worker in started:
            worker.start()
        app.state.workers = started
        freeze_startup_heap()
        yield
        for worker in started:
            worker.stop()
        await pool.close()
        app.state.engine.dispose()

    app = GatewayApp(
        title="NearPeer API",
        description="The gateway (sign-in, tokens, machine clients, administration) and, merged in, the matching, "
        "sessions and feedback services it routes to.",
        version="0.1.0",
        lifespan=lifespan,
        generate_unique_id_function=service_operation_id("gateway"),
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(check_inputs)],
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.keys = keys
    app.state.passwords = Passwords(
        time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib, parallelism=settings.password_parallelism
    )
    # The gateway checks its own tokens against its own key ring, without an HTTP round trip.
    app.state.token_verifier = TokenVerifier(JwksSource(static_json=json.dumps(keys.jwks())), settings.auth_issuer, settings.auth_audience)
    # kit.auth.get_principal consults `account_states` on every guarded route; the proxy asks the same gate.
    app.state.account_states = AccountGate(app.state.engine, app.state.token_verifier, ttl_seconds=settings.account_cache_seconds)
    app.state.login_throttle = LoginThrottle(app.state.engine, ThrottlePolicy.of(settings))
    app.state.spec_cache = SpecCache(settings.upstreams, ttl=settings.openapi_cache_seconds)
    app.state.upstream_pool = pool
    app.state.workers = []
    install_error_handlers(app)
    app.include_router(meta.router)
    for router in ROUTERS:
        app.include_router(router, responses=ERROR_RESPONSES)
    app.include_router(outbox_admin_router("gateway"), responses=ERROR_RESPONSES)
    publish_access_rules(app)
    publish_json_errors(app)
    install_spa(app, settings.frontend_dist)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes, bulk_limit=settings.max_bulk_body_bytes, routes=lambda: app.routes)
    app.add_middleware(RequestIdMiddleware)
    # Proxied calls get the same request-id handling and access line, and nothing else.
    app.proxy = Proxy(upstreams=settings.upstreams, pool=pool, gate=app.state.account_states, trusted_proxies=settings.trusted_networks)
    app.proxy_entry = RequestIdMiddleware(app.proxy)
    return app
