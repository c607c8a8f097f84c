"""A real OpenID Connect provider on 127.0.0.1, for end-to-end tests of the app's SSO login."""
