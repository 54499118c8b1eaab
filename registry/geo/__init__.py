"""Places: the division list, gazetteer, offline geocoding, plan areas and the basemap."""
