"""NearPeer matching service."""
