# The ocgmap dashboard image used by docker-compose.yml.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ocgmap ./ocgmap
COPY loaders ./loaders
COPY dashboards ./dashboards
RUN pip install --no-cache-dir .
EXPOSE 8501
CMD ["ocgmap", "dashboard", "--address", "0.0.0.0", "--port", "8501"]
