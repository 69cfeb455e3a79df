FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ tesseract-ocr tesseract-ocr-deu poppler-utils \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/wissensnetz
COPY package.json package-lock.json ./
COPY protocol/package.json protocol/
COPY node/package.json node/
COPY ui/package.json ui/
RUN npm ci --omit=dev --no-audit --no-fund || npm ci --no-audit --no-fund
COPY . .
ENV WISSENSNETZ_DATA=/data
VOLUME /data
EXPOSE 8080
USER node
CMD ["node", "node/bin/wissensnetz.js", "serve"]
