# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH="/opt/venv/bin:$PATH"

RUN pip install --no-cache-dir uv \
    && useradd --create-home --uid 1000 app

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project \
    && uv pip install --python /opt/venv/bin/python babel

COPY . .
# Compile the translations and collect static files at build time (no secrets needed).
RUN pybabel compile -d locale -D django \
    && DEBUG=0 SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build \
       REDIS_URL=redis://localhost:6379/0 python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R app /app/var

USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
