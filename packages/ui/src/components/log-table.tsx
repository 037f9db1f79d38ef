import type { LogEntry } from '../api';
import { when } from '../format';
import { Link } from '../router';

/** Log lines, newest first as given, with level, time and a link to their source or model. */
export function LogTable({ entries }: { entries: LogEntry[] }) {
  return (
    <div className="table-wrap">
      <table className="log-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Level</th>
            <th scope="col">About</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e, i) => (
            <tr key={`${e.timestamp}-${i}`} className={`level-${e.level.toLowerCase()}`} data-level={e.level}>
              <td className="nowrap" title={e.timestamp}>
                {when(e.timestamp)}
              </td>
              <td>
                <span className={`level level-${e.level.toLowerCase()}`}>{e.level}</span>
              </td>
              <td>
                {e.source ? <Link to={`sources/${encodeURIComponent(e.source)}`}>{e.source}</Link> : e.model ? <Link to={`models/${encodeURIComponent(e.model)}`}>{e.model}</Link> : null}
              </td>
              <td className="message">{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
