# A single Wissensnetz node. Build: docker build -t wissensnetz .  Run: docker run -p 8080:8080 -v wn-data:/data wissensnetz
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ tesseract-ocr tesseract-ocr-deu poppler-utils \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/wissensnetz
COPY . .
# npm ci builds the native modules and, through the root "prepare" script, the web interface (ui/dist).
RUN npm ci --no-audit --no-fund && npm cache clean --force
ENV WISSENSNETZ_DATA=/data
VOLUME /data
EXPOSE 8080
USER node
# Inside a container the node must bind all interfaces; put TLS in a reverse proxy (see README, Anmeldung und Rechte).
CMD ["node", "node/bin/wissensnetz.js", "serve", "--host", "0.0.0.0"]
