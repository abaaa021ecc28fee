from fastapi import APIRouter

from kit.outbox_admin import outbox_admin_router

# Outbox counts, messages and replay of dead ones (operation ids feedback-admin-...).
router: APIRouter = outbox_admin_router("feedback")
