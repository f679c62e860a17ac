"""Request bodies, by area: pydantic lives here, at the edge, and nowhere inwards."""
