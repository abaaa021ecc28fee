from fastapi import APIRouter

from gateway.api.routes import admin_audit, admin_clients, admin_users, auth, keys, users

ROUTERS: list[APIRouter] = [auth.router, admin_users.router, admin_clients.router, admin_audit.router, users.router, keys.router]
