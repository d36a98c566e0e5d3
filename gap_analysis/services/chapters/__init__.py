"""Chapter management: list, move and rename chapters (`chapter new` is `services.new_chapter`)."""
