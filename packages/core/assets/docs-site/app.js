// Entry point: loads the artifacts, then keeps the sidebar and the main pane in step with the URL hash.
import { buildDocs, loadArtifacts } from './data.js';
import { h } from './dom.js';
import { renderTree } from './sidebar.js';
import { renderNode, renderOverview } from './views.js';

const GROUP_KEY = 'dango-docs-group-by';
const state = { docs: null, groupBy: readGroupBy(), query: '' };

function readGroupBy() {
  try {
    return localStorage.getItem(GROUP_KEY) === 'schema' ? 'schema' : 'folder';
  } catch {
    return 'folder';
  }
}

function currentId() {
  const match = /^#\/node\/(.+)$/.exec(location.hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

function renderSidebar() {
  renderTree(document.getElementById('tree'), state.docs, { groupBy: state.groupBy, query: state.query, activeId: currentId() });
  for (const button of document.querySelectorAll('[data-group]')) {
    button.setAttribute('aria-pressed', String(button.dataset.group === state.groupBy));
  }
}

function renderMain() {
  const id = currentId();
  const main = document.getElementById('main');
  main.replaceChildren(id ? renderNode(state.docs, id) : renderOverview(state.docs));
  main.scrollTop = 0;
  const node = id && state.docs.nodes.get(id);
  document.title = `${node ? node.label : state.docs.project} · dbt docs`;
}

function showMessage(title, text) {
  document.getElementById('main').replaceChildren(h('div', { className: 'empty-state' }, h('h1', {}, title), h('p', {}, text)));
  document.getElementById('tree').replaceChildren();
}

function wireControls() {
  document.getElementById('search').addEventListener('input', (event) => {
    state.query = event.target.value.trim();
    renderSidebar();
  });
  for (const button of document.querySelectorAll('[data-group]')) {
    button.addEventListener('click', () => {
      state.groupBy = button.dataset.group;
      try {
        localStorage.setItem(GROUP_KEY, state.groupBy);
      } catch {
        // Storage can be disabled; the choice then lasts for this page only.
      }
      renderSidebar();
    });
  }
  window.addEventListener('hashchange', () => {
    renderSidebar();
    renderMain();
  });
}

async function start() {
  let artifacts;
  try {
    artifacts = await loadArtifacts();
  } catch (err) {
    showMessage('Could not load the docs', String(err && err.message ? err.message : err));
    return;
  }
  if (!artifacts) {
    showMessage('No docs generated yet — run `dango docs generate`', 'The dbt artifacts (target/manifest.json) have not been written yet.');
    return;
  }
  state.docs = buildDocs(artifacts.manifest, artifacts.catalog);
  document.getElementById('project-name').textContent = state.docs.project;
  if (state.docs.generatedAt) {
    document.getElementById('generated-at').textContent = `generated ${new Date(state.docs.generatedAt).toLocaleString()}`;
  }
  wireControls();
  renderSidebar();
  renderMain();
  document.body.dataset.ready = 'true';
}

start();
