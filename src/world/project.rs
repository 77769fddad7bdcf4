//! The learner's starting point: the seed's Flask project in `~/app`, as
//! the team lead committed it to `origin` before the lab began.
//!
//! No `migrations/` folder and no database exist yet: creating them is the
//! first lesson.

/// `app.py`: the Flask application, its SQLAlchemy handle and Flask-Migrate.
pub const APP_PY: &str = r#"import os

from flask import Flask, jsonify, request
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]

db = SQLAlchemy(app)
migrate = Migrate(app, db)

from models import User  # noqa: E402


@app.post("/register")
def register():
    user = User(name=request.form["name"], email=request.form["email"])
    db.session.add(user)
    db.session.commit()
    return jsonify(id=user.id), 201


@app.get("/users")
def users():
    return jsonify([{"id": u.id, "name": u.name, "email": u.email} for u in User.query.all()])
"#;

/// `models.py`: the blueprint PostgreSQL knows nothing about yet.
pub const MODELS_PY: &str = r#"from app import db


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)
    email = db.Column(db.String(120), unique=True, nullable=False)
"#;

/// `requirements.txt`: the versions the recorded ground truth was made with.
pub const REQUIREMENTS_TXT: &str = "Flask==3.1.3
Flask-SQLAlchemy==3.1.1
Flask-Migrate==4.1.0
psycopg2-binary==2.9.13
gunicorn==23.0.0
";

/// `entrypoint.sh`: what production runs to (re)start the service.
pub const ENTRYPOINT_SH: &str = "#!/bin/sh
set -e
flask db upgrade
exec gunicorn -b 0.0.0.0:8000 app:app
";

/// `.gitignore`: what a Flask project keeps out of git. Not `migrations/`:
/// the revision files are code the team shares.
pub const GITIGNORE: &str = "__pycache__/
*.pyc
.venv/
.env
instance/
";

/// The files of `~/app`, relative to it, as the initial commit holds them.
pub const FILES: [(&str, &str); 5] = [
    (".gitignore", GITIGNORE),
    ("app.py", APP_PY),
    ("entrypoint.sh", ENTRYPOINT_SH),
    ("models.py", MODELS_PY),
    ("requirements.txt", REQUIREMENTS_TXT),
];

/// The files of `~/app` that are executable (`chmod +x`) in a checkout. The
/// simulated git keeps no file modes, so the initial commit records them as
/// plain files and a clone sets these bits.
pub const EXECUTABLE: [&str; 1] = ["entrypoint.sh"];

/// The team lead, who made the initial commit.
pub const LEAD_NAME: &str = "Margaret Hamilton";
/// The team lead's email.
pub const LEAD_EMAIL: &str = "margaret@example.com";
/// When the initial commit was made: Friday 2026-01-02 16:30:00 UTC, before
/// the lab's clock starts.
pub const INITIAL_COMMIT_TIME: i64 = 1_767_371_400;
/// The initial commit's message.
pub const INITIAL_COMMIT_MESSAGE: &str = "Start the Flask app";

/// Who uses each machine, as its `~/.gitconfig` names them: the machine's
/// name, then `user.name` and `user.email`.
pub const USERS: [(&str, &str, &str); 3] = [
    ("laptop", "Ada Lovelace", "ada@example.com"),
    ("teammate", "Grace Hopper", "grace@example.com"),
    ("prod", "Ops", "ops@example.com"),
];
