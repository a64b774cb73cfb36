"""An actor's details edited on a page: kind, name, description, tags, sensitive, directly
affected (organizers, weavers and stewards any actor they see; a member its own organisation)."""
