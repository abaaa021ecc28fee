"""The user's in-app notifications (the kit's routes on feedback's table)."""

from feedback.models import Notification
from kit.notifications import notifications_router

router = notifications_router("feedback", model=Notification)
