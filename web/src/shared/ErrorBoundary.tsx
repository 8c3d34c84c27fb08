import { Component, type ReactNode } from 'react';
import i18n from '../i18n';

/** Catches a failed lazy chunk (e.g. after a deploy) or a render error, and offers a reload. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    if (this.state.error) {
      return (
        <div role="alert" style={{ padding: 48, textAlign: 'center' }}>
          <p>{i18n.t('app.chunkError')}</p>
          <button type="button" onClick={() => window.location.reload()}>
            {i18n.t('common.reload')}
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
