"""The bare app the web part of `make bench` compares bostotte with: Flask saying hello,
served by the same gunicorn settings (deploy/gunicorn.conf.py)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hej"
