"""Running bostotte in production: health and readiness, start-up checks, JSON logs."""
