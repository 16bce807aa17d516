"""Brand library pages, one module per screen: brands, reference packs, and stored media."""
