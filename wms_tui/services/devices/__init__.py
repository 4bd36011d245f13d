"""Floor devices that reach the app through ``wms serve``: the registry of who may connect."""
