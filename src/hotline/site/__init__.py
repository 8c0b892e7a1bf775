"""The internal site (内部网站): model (compute), pages and data (render), build (write + MkDocs)."""
