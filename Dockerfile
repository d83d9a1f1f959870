# VOROC production image: gunicorn + whitenoise for web; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --uid 1000 voroc

WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -c requirements.lock .
COPY . .
RUN VOROC_PRODUCTION=1 SECRET_KEY=build-only-not-a-real-secret-build-only-not-a-real-secret-0123 \
    BSN_ENCRYPTION_KEYS=1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= BSN_INDEX_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://build:6379/0 \
    EMAIL_URL=smtp://build:25 VOROC_BASE_URL=https://build \
    python manage.py collectstatic --no-input -v0 \
 && mkdir -p /app/var /app/feedback-inbox && chown voroc /app/var /app/feedback-inbox
USER voroc
EXPOSE 8000
CMD ["gunicorn", "voroc.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
