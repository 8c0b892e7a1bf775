"""The hotline office's own work (县热线管理机构): its timeliness, spot checks, repeated demands."""
