"""HTTP/2 protocol behaviour of wire's client against a scripted h2 server (public API only)."""
