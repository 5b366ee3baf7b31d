"""HTTP routers of the bridge, one per resource."""
