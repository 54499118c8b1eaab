"""The file formats a registry row is written in: CSV, GeoJSON, Excel, GeoPackage, KML, Data Package."""
