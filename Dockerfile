# Production image: gunicorn serving the API; the same image runs the outbox worker.
FROM python:3.11-slim
WORKDIR /srv
COPY pyproject.toml README.md ./
COPY app app
COPY config config
COPY wxclient wxclient
COPY migrations migrations
RUN pip install --no-cache-dir 'babel>=2.14' && pybabel compile -d app/translations \
    && pip install --no-cache-dir '.[prod]'
ENV FLASK_APP=app:create_app GONGHUI_ENV=production PORT=8000
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "app:create_app()"]
