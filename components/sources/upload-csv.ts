/**
 * Sends a File as the request body (the browser streams it from disk; it is never read whole into
 * memory). XMLHttpRequest rather than fetch because only it reports upload progress.
 */
import { ApiError } from "@/lib/client/api";

export interface UploadResult {
  accepted: number;
  /** A count, or the series themselves. */
  series: number | unknown[];
}

export function seriesCount(r: UploadResult): number {
  return Array.isArray(r.series) ? r.series.length : r.series;
}

interface ErrorBody {
  error?: { message?: string; issues?: { path: string; message: string }[] };
}

export function uploadCsv(url: string, file: Blob, onProgress: (fraction: number) => void): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("content-type", "text/csv");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new Error("Upload failed: the server could not be reached"));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as UploadResult);
      const err = (body as ErrorBody | null)?.error;
      reject(new ApiError(xhr.status, err?.message ?? `Upload failed (${xhr.status})`, err?.issues));
    };
    xhr.send(file);
  });
}
