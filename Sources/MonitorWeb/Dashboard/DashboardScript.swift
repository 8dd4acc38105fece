import MonitorCore

/// The dashboard's JavaScript. Every value from the API is inserted with `textContent` or as
/// an attribute value set through the DOM, never as markup (no `innerHTML`), so a job
/// description like `<img onerror=…>` shows as text.
enum DashboardScript {
    static let js = #"""
        'use strict';
        (function () {
          const STATUSES = [\#(JobStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))];
          const REFRESH_MS = 30000;
          const STALE_MS = 75000;
          const TOKEN_KEY = 'monitor-api-token';
          const state = { jobs: [], loadedAt: 0, generatedAt: null, selected: null, token: sessionStorage.getItem(TOKEN_KEY) || '', failure: null };
          const $ = (id) => document.getElementById(id);

          function el(tag, text, className) {
            const node = document.createElement(tag);
            if (text !== undefined && text !== null) node.textContent = String(text);
            if (className) node.className = className;
            return node;
          }
          function cell(label, ...children) {
            const td = el('td');
            td.dataset.label = label;
            for (const child of children) td.append(child);
            return td;
          }
          function time(iso) { return iso ? iso.slice(0, 16).replace('T', ' ') + ' UTC' : '—'; }
          function age(iso) {
            if (!iso) return '';
            const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
            if (seconds < 90) return 'just now';
            if (seconds < 5400) return Math.round(seconds / 60) + ' min ago';
            if (seconds < 129600) return Math.round(seconds / 3600) + ' h ago';
            return Math.round(seconds / 86400) + ' days ago';
          }
          function bytes(n) {
            const units = ['B', 'KB', 'MB', 'GB', 'TB'];
            let i = 0;
            while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
            return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
          }
          function badge(status) { return el('span', status, 'status s-' + (STATUSES.includes(status) ? status : 'NEW')); }

          // The job history chart: fetched with the token (an <img src> request could not carry
          // it), shown from a blob URL; the previous blob is released when a new one replaces it.
          let historyURL = null;
          async function showHistory(name) {
            const figure = $('detail-history');
            let image = $('detail-history-image');
            if (!image) {
              image = el('img');
              image.id = 'detail-history-image';
              figure.prepend(image);
            }
            if (figure.dataset.job !== name) figure.hidden = true;
            try {
              const headers = { Accept: 'image/svg+xml' };
              if (state.token) headers.Authorization = 'Bearer ' + state.token;
              const response = await fetch('/api/jobs/' + encodeURIComponent(name) + '/history.svg', { headers, cache: 'no-store' });
              if (!response.ok || state.selected !== name) throw new Error('HTTP ' + response.status);
              const blob = await response.blob();
              const url = URL.createObjectURL(blob);
              image.src = url;
              image.alt = 'History of ' + name + ': latest occurrences by verdict and backup size over time';
              if (historyURL) URL.revokeObjectURL(historyURL);
              historyURL = url;
              figure.dataset.job = name;
              figure.hidden = false;
            } catch (e) {
              if (state.selected === name) figure.hidden = true;
            }
          }

          async function api(path) {
            const headers = { Accept: 'application/json' };
            if (state.token) headers.Authorization = 'Bearer ' + state.token;
            const response = await fetch(path, { headers, cache: 'no-store' });
            let body = null;
            try { body = await response.json(); } catch (e) { body = null; }
            if (response.status === 401) {
              $('token-form').hidden = false;
              throw new Error('the API needs a token' + (state.token ? ' (the one given was refused)' : ''));
            }
            if (!response.ok) throw new Error((body && body.error) || 'HTTP ' + response.status);
            return body;
          }

          function notice() {
            const box = $('notice');
            let text = '';
            if (state.failure) {
              text = 'Cannot reach the monitor daemon: ' + state.failure + '.';
              if (state.loadedAt) text += ' Showing data from ' + new Date(state.loadedAt).toLocaleTimeString() + '.';
            } else if (state.loadedAt && Date.now() - state.loadedAt > STALE_MS) {
              text = 'Data is stale: last update ' + age(new Date(state.loadedAt).toISOString()) + '.';
            }
            box.textContent = text;
            box.hidden = text === '';
          }

          function fillLabelFilter() {
            const select = $('label-filter');
            const current = select.value;
            const labels = new Set();
            for (const job of state.jobs) for (const [k, v] of Object.entries(job.labels || {})) labels.add(k + '=' + v);
            select.replaceChildren(el('option', 'all'));
            select.firstChild.value = '';
            for (const label of [...labels].sort()) {
              const option = el('option', label);
              option.value = label;
              select.append(option);
            }
            select.value = labels.has(current) ? current : '';
          }

          function render() {
            const status = $('status-filter').value;
            const label = $('label-filter').value;
            const rows = [];
            for (const job of state.jobs) {
              if (status && job.status !== status) continue;
              if (label && !Object.entries(job.labels || {}).some(([k, v]) => k + '=' + v === label)) continue;
              const tr = el('tr');
              tr.tabIndex = 0;
              tr.dataset.job = job.name;
              if (job.name === state.selected) tr.className = 'selected';
              const labels = Object.entries(job.labels || {}).map(([k, v]) => k + '=' + v).join(' ');
              const name = cell('Job', el('span', job.name, 'name'));
              if (job.description) name.append(el('span', job.description, 'sub'));
              if (labels) name.append(el('span', labels, 'sub'));
              const latest = job.latest && job.latest.message ? el('span', job.latest.message, 'sub') : '';
              const version = job.current_version;
              tr.append(
                name,
                cell('Status', badge(job.status), latest),
                cell('Last success', el('span', time(job.last_success_at)), el('span', age(job.last_success_at), 'sub')),
                cell('Current version', version ? el('span', version.id) : '—',
                     version ? el('span', version.files + (version.files === 1 ? ' file, ' : ' files, ') + bytes(version.bytes), 'sub') : ''),
                cell('Next window', job.next ? el('span', time(job.next.scheduled_at)) : '—',
                     job.next ? el('span', 'until ' + time(job.next.window_end), 'sub') : ''));
              rows.push(tr);
            }
            $('job-rows').replaceChildren(...rows);
            $('empty').hidden = rows.length > 0 || state.jobs.length === 0;
            const counts = {};
            for (const job of state.jobs) counts[job.status] = (counts[job.status] || 0) + 1;
            const parts = STATUSES.filter((s) => counts[s]).map((s) => counts[s] + ' ' + s);
            $('summary').textContent = state.jobs.length + ' jobs' + (parts.length ? ': ' + parts.join(', ') : '');
            $('updated').textContent = state.generatedAt ? 'Updated ' + time(state.generatedAt) : '';
          }

          async function refresh() {
            try {
              const document_ = await api('/api/jobs');
              state.jobs = document_.jobs || [];
              state.generatedAt = document_.generated_at;
              state.loadedAt = Date.now();
              state.failure = null;
              fillLabelFilter();
              render();
              if (state.selected) await openJob(state.selected, false);
            } catch (error) {
              state.failure = error.message || String(error);
            }
            notice();
          }

          async function openJob(name, scroll) {
            state.selected = name;
            const url = new URL(window.location.href);
            url.searchParams.set('job', name);
            history.replaceState(null, '', url);
            for (const tr of $('job-rows').children) tr.className = tr.dataset.job === name ? 'selected' : '';
            $('detail').hidden = false;
            $('detail-title').textContent = name;
            const error = $('detail-error');
            try {
              const job = await api('/api/jobs/' + encodeURIComponent(name) + '?limit=20');
              error.hidden = true;
              $('detail-title').replaceChildren(el('span', job.name + ' '), badge(job.status));
              showHistory(job.name);
              $('detail-description').textContent = job.description || '';
              $('occurrence-rows').replaceChildren(...(job.occurrences || []).map((o) => {
                const tr = el('tr');
                tr.append(
                  cell('Scheduled', time(o.scheduled_at)),
                  cell('Window end', time(o.window_end)),
                  cell('State', badge(o.state), o.late ? el('span', ' late', 'late') : ''),
                  cell('Finished', time(o.finished_at)),
                  cell('Message', el('span', o.message || '', 'message')),
                  cell('Version', o.version_id || '—'));
                return tr;
              }));
            } catch (e) {
              error.textContent = 'Cannot load ' + name + ': ' + (e.message || e);
              error.hidden = false;
              $('occurrence-rows').replaceChildren();
            }
            if (scroll) $('detail').scrollIntoView({ block: 'nearest' });
          }

          function closeJob() {
            state.selected = null;
            $('detail').hidden = true;
            $('detail-history').hidden = true;
            const url = new URL(window.location.href);
            url.searchParams.delete('job');
            history.replaceState(null, '', url);
            render();
          }

          function start() {
            const statusFilter = $('status-filter');
            for (const s of STATUSES) {
              const option = el('option', s);
              option.value = s;
              statusFilter.append(option);
            }
            statusFilter.addEventListener('change', render);
            $('label-filter').addEventListener('change', render);
            $('detail-close').addEventListener('click', closeJob);
            const rows = $('job-rows');
            rows.addEventListener('click', (event) => {
              const tr = event.target.closest('tr');
              if (tr && tr.dataset.job) openJob(tr.dataset.job, true);
            });
            rows.addEventListener('keydown', (event) => {
              const tr = event.target.closest('tr');
              if (tr && tr.dataset.job && (event.key === 'Enter' || event.key === ' ')) { event.preventDefault(); openJob(tr.dataset.job, true); }
            });
            $('token-form').addEventListener('submit', (event) => {
              event.preventDefault();
              state.token = $('token-input').value.trim();
              sessionStorage.setItem(TOKEN_KEY, state.token);
              $('token-input').value = '';
              $('token-form').hidden = true;
              refresh();
            });
            const wanted = new URLSearchParams(window.location.search).get('job');
            refresh().then(() => { if (wanted && !state.selected) openJob(wanted, true); });
            setInterval(refresh, REFRESH_MS);
            setInterval(notice, 5000);
          }

          start();
        })();
        """#
}
