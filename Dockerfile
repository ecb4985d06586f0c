# The service image used by compose.yaml.
FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && useradd --system samverkan \
    && mkdir -p /var/lib/samverkan/mail && chown samverkan /var/lib/samverkan/mail
USER samverkan
ENV SAMVERKAN_ENVIRONMENT=production SAMVERKAN_HOST=0.0.0.0 SAMVERKAN_PORT=8000
EXPOSE 8000
CMD ["samverkan", "serve", "--workers", "2"]
