# Production image: gunicorn serving Brandkit as a non-root user; the same image runs RQ workers.
FROM python:3.11-slim

# MALLOC_ARENA_MAX: glibc gives each of a worker's 50 threads its own malloc arena, which
# fragments memory held for image bytes; two arenas keep a worker's RSS near what it uses.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MALLOC_ARENA_MAX=2 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# collectstatic runs in production mode; these values exist only for this build step.
RUN DEBUG=0 \
    SECRET_KEY=build-only-not-a-runtime-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=build \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://build:6379/0 \
    python manage.py collectstatic --noinput \
 && useradd --system --create-home --uid 10001 brandkit \
 && mkdir -p /app/var && chown brandkit /app/var

USER brandkit
ENV DEBUG=0
EXPOSE 8000
CMD ["gunicorn", "brandkit.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
