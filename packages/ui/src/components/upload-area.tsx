import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { errorDetail, seg } from '../api';
import { bytes } from '../format';

interface Upload {
  id: number;
  name: string;
  size: number;
  loaded: number;
  state: 'uploading' | 'done' | 'failed';
  message?: string;
}

/** Turns the API's 409/413/400 answers into sentences that say what to do. */
function explain(status: number, detail: string, name: string): string {
  if (status === 409) return `${name} already exists: delete the old file first or rename this one. (${detail})`;
  if (status === 413) return `${name} is too large for this project's upload limit (platform.max_upload_mb). (${detail})`;
  if (status === 400) return `${name} was refused: ${detail}`;
  return detail;
}

/** One file sent with XMLHttpRequest, which (unlike fetch) reports upload progress. */
function send(source: string, file: File, onProgress: (loaded: number) => void): Promise<{ ok: true } | { ok: false; message: string }> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `api/sources/${seg(source)}/upload-csv?trigger_sync=true`);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () =>
      resolve(xhr.status >= 200 && xhr.status < 300 ? { ok: true } : { ok: false, message: explain(xhr.status, errorDetail(xhr.status, xhr.responseText), file.name) });
    xhr.onerror = () => resolve({ ok: false, message: `${file.name}: the connection failed; try again.` });
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

let nextId = 1;

/** Drag-and-drop (or pick) several files; each uploads with its own progress bar and result. */
export function UploadArea({ source, pattern }: { source: string; pattern: string }) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const client = useQueryClient();
  const patch = (id: number, change: Partial<Upload>) => setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...change } : u)));
  const start = (files: FileList | File[]) => {
    const batch = [...files].map((f) => ({ file: f, upload: { id: nextId++, name: f.name, size: f.size, loaded: 0, state: 'uploading' as const } }));
    setUploads((list) => [...batch.map((b) => b.upload), ...list].slice(0, 20));
    for (const { file, upload } of batch) {
      void send(source, file, (loaded) => patch(upload.id, { loaded })).then((r) => {
        patch(upload.id, r.ok ? { state: 'done', loaded: upload.size, message: 'Uploaded; syncing' } : { state: 'failed', message: r.message });
        void client.invalidateQueries({ queryKey: ['files', source] });
      });
    }
  };
  return (
    <div>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        role="button"
        tabIndex={0}
        aria-label={`Upload files matching ${pattern}: drop them here or press Enter to choose`}
        onClick={() => input.current?.click()}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            input.current?.click();
          }
        }}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          if (e.dataTransfer.files.length) start(e.dataTransfer.files);
        }}
      >
        Drop files ({pattern}) here, or press to choose
        <input
          ref={input}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          onChange={(e) => {
            if (e.target.files?.length) start(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      {uploads.length ? (
        <ul className="uploads" aria-label="Uploads">
          {uploads.map((u) => (
            <li key={u.id} className={`upload upload-${u.state}`} data-upload={u.name}>
              <span className="upload-name">{u.name}</span>
              <progress max={u.size || 1} value={u.loaded} aria-label={`${u.name} upload progress`} />
              <span className="small">{u.state === 'uploading' ? `${bytes(u.loaded)} of ${bytes(u.size)}` : u.message}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
