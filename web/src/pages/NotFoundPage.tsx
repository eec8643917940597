import { useDocumentTitle } from '../hooks.js';
import { Link } from '../router.js';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <div className="page-header">
      <h1>Page not found</h1>
      <p className="subtitle">
        There is nothing at this address. Go to <Link to="/items">Items</Link> or <Link to="/banks">Hash banks</Link>.
      </p>
    </div>
  );
}
