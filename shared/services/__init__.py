"""Use cases. Services take their collaborators in the constructor; `shared.container` wires them."""
