"""NearPeer gateway: the one public entry."""
