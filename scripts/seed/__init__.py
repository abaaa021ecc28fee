"""Demo faculty seed, through the gateway's public API only."""
