"""The user's in-app notifications (the kit's routes on sessions' table)."""

from kit.notifications import notifications_router
from sessions.models import Notification

# The mark-read route keeps its original name, hence its operation id.
router = notifications_router("sessions", model=Notification, mark_read_name="mark_notification_read")
