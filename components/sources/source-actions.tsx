"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCan } from "@/components/use-can";
import { ConfirmButton } from "@/components/sources/confirm-button";
import { TestResultView } from "@/components/sources/test-result";
import { useDeleteSource, useTestSource, useUpdateSource } from "@/components/sources/use-sources";
import s from "@/components/sources/sources.module.css";

/** Admin actions on a saved source: edit, test, pause/resume, delete. Nothing for read-only roles. */
export function SourceActions({ id, name, status, testable }: { id: string; name: string; status: string; testable: boolean }) {
  const canWrite = useCan("sources:write");
  const router = useRouter();
  const update = useUpdateSource(id);
  const remove = useDeleteSource(id);
  const test = useTestSource(id);
  if (!canWrite) return null;
  const paused = status === "PAUSED";
  const error = update.error ?? remove.error ?? test.error;

  return (
    <div>
      <div className={s.actions}>
        <Link className={s.buttonLink} href={`/sources/${id}/edit`}>Edit</Link>
        {testable && (
          <button type="button" className={s.secondary} disabled={test.isPending} onClick={() => test.mutate(undefined)}>
            {test.isPending ? "Testing…" : "Test connection"}
          </button>
        )}
        <button
          type="button"
          className={s.secondary}
          disabled={update.isPending}
          onClick={() => update.mutate({ status: paused ? "ACTIVE" : "PAUSED" }, { onSuccess: () => router.refresh() })}
        >
          {paused ? "Resume" : "Pause"}
        </button>
        <ConfirmButton
          label="Delete"
          question={`Delete ${name} with all its series and points?`}
          confirmLabel="Delete permanently"
          pending={remove.isPending}
          onConfirm={() =>
            remove.mutate(undefined, {
              onSuccess: () => {
                router.push("/sources");
                router.refresh();
              },
            })
          }
        />
      </div>
      {error && <p className="error" role="alert">{error.message}</p>}
      {test.data && <TestResultView result={test.data} />}
    </div>
  );
}
