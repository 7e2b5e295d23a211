"""File endpoints: upload a document, download it when allowed."""

from urllib.parse import quote

from flask import Response
from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint
from app.files import service
from app.files.content import EXTENSIONS
from app.files.schemas import FileOut, FileUpload

blp = ApiBlueprint("files", __name__, description="Uploaded documents")

DOWNLOAD_CONTENT = {content_type: {"schema": {"type": "string", "format": "binary"}}
                    for content_type in EXTENSIONS}


@blp.route("/files")
class FilesView(MethodView):
    @blp.auth(forbidden=False)
    @blp.arguments(FileUpload, location="files")
    @blp.response(201, FileOut)
    @blp.errors(413, 422, 503)
    def post(self, files):
        """Upload a JPEG, PNG or PDF (type from content; images re-encoded without EXIF).

        A file over the size limit is a 413 `payload_too_large`; one that would take the
        caller's files past their storage quota (200 MB by default) a 413
        `storage_quota_exceeded` with `details.used_bytes`, `quota_bytes` and `file_bytes`;
        an image needing too much memory to decode (too many pixels for its colour depth) a
        422."""
        upload = files["file"]
        return service.upload(actor_id=current_user().id, stream=upload.stream,
                              filename=upload.filename)


@blp.route("/files/<int:file_id>")
class FileView(MethodView):
    @blp.auth(forbidden=False)
    @blp.doc(responses={"200": {"description": "The file, as an attachment",
                                "content": DOWNLOAD_CONTENT}})
    @blp.errors(404, 503)
    def get(self, file_id):
        """Download a file (its uploader, or officers who may see an application holding it)."""
        stored, data = service.download(actor_id=current_user().id, file_id=file_id)
        return Response(data, mimetype=stored.content_type, headers={
            "Content-Disposition": (
                f"attachment; filename=\"file-{stored.id}.{EXTENSIONS[stored.content_type]}\"; "
                f"filename*=UTF-8''{quote(stored.original_name)}"),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        })
