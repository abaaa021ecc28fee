"""NearPeer kit: cross-cutting code shared by every service (no domain logic)."""
