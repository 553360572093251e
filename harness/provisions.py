"""What a page asks the reader to have that no earlier page makes: the journey gives
the reader's machine one when it reaches the page, as a reader would install it.

- The scaling page needs a PostgreSQL server on its default port, its superuser
  with a password (the one the page types at psql's prompt), as the official
  container image or a managed database has.
- The Docker page needs a Docker Engine where a reader's listens, with the image its
  Dockerfile starts FROM (docker_engine.py). The image takes a minute or two to
  make: it is made in the background from a few pages before.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.docker_engine import ImageInBackground, ThrowawayDocker, give_prefect_image
from harness.postgres import ThrowawayPostgres
from harness.reader_environment import docker_socket

POSTGRES_PAGE = "scaling.md"
DOCKER_PAGE = "docker.md"
DOCKER_IMAGE_HEAD_START = 2  # pages


@dataclass
class Provisions:
    wrap: tuple[str, ...]
    """The reader's private network: where each runs."""
    root: Path
    """The reader's machine."""
    postgres_password: str
    postgres: ThrowawayPostgres | None = None
    docker: ThrowawayDocker | None = None
    docker_image: ImageInBackground | None = None

    def before(self, page: str, followed: list[str]) -> None:
        """Give the reader what `page` (of the `followed` pages) needs, or start
        making it when it takes long."""
        if page == POSTGRES_PAGE and self.postgres is None:
            self.postgres = ThrowawayPostgres(
                password=self.postgres_password, wrap=self.wrap
            )
            self.postgres.start()
        at, docker_at = followed.index(page), followed.index(DOCKER_PAGE)
        if self.docker_image is None and at >= docker_at - DOCKER_IMAGE_HEAD_START:
            self.docker_image = ImageInBackground()
        if page == DOCKER_PAGE and self.docker is None:
            self.docker = ThrowawayDocker(
                wrap=self.wrap, socket=docker_socket(self.root)
            )
            self.docker.start()
            self.docker_image.wait()
            give_prefect_image(self.docker)

    def stop(self) -> None:
        if self.postgres:
            self.postgres.stop()
        if self.docker:
            self.docker.stop()
