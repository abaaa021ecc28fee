import { Link } from "react-router";

export function LinkCards({ items }: { items: { to: string; title: string; body: string; badge?: string | number }[] }) {
  return (
    <ul className="card-grid">
      {items.map((item) => (
        <li key={item.to}>
          <Link className="card card--link" to={item.to}>
            <span className="card__title">
              {item.title}
              {item.badge ? <span className="count">{item.badge}</span> : null}
            </span>
            <span className="card__body">{item.body}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
