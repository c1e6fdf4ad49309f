//! Rule packs: TOML data → validated rule specs. (Being built.)
