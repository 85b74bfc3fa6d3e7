"""Online engines at scale: a request budget, retries and a circuit breaker shared through Redis,
segment claims, parallel synthesis and the guard that composes them around an engine."""
