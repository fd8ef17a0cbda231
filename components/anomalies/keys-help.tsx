"use client";
import { QUEUE_KEYS } from "@/components/anomalies/queue-keys";

/** The `?` overlay: every key of the queue, from the same table the handler uses. */
export function KeysHelp({ onClose }: { onClose: () => void }) {
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="keys-title" onClick={onClose}>
      <section className="panel overlay-panel" onClick={(e) => e.stopPropagation()}>
        <h2 id="keys-title">Keyboard</h2>
        <table className="table">
          <tbody>
            {QUEUE_KEYS.map((k) => (
              <tr key={k.action}>
                <th scope="row">{k.keys.map((key) => <kbd key={key}>{key}</kbd>)}</th>
                <td>{k.label}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="secondary" onClick={onClose} autoFocus>Close</button>
      </section>
    </div>
  );
}
