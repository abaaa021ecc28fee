from fastapi import APIRouter

from kit.outbox_admin import outbox_admin_router

# Outbox counts, messages and replay of dead ones (GET /outbox keeps its operation id sessions-admin-get_outbox_stats).
router: APIRouter = outbox_admin_router("sessions")
