"""The user's in-app notifications (the kit's routes on matching's table)."""

from kit.notifications import notifications_router
from matching.models import Notification

router = notifications_router("matching", model=Notification)
