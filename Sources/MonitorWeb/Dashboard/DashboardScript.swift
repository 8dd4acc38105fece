import Foundation
import MonitorCore

/// The dashboard's JavaScript. Every value from the API is inserted with `textContent` or as
/// an attribute value set through the DOM, never as markup (no `innerHTML`), so a job
/// description like `<img onerror=…>` shows as text.
enum DashboardScript {
    static let js = #"""
        'use strict';
        (function () {
          const STATUSES = [\#(JobStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))];
          const VERDICTS = [\#(Verdict.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))];
          const RECENT = \#(JobViews.recentLength);
          const ADVICE = \#(adviceJSON);
          const PAGE = 200;
          const SEARCH_DELAY_MS = 200;
          const REFRESH_MS = 30000;
          const STALE_MS = 75000;
          const TOKEN_KEY = 'monitor-api-token';
          const state = {
            jobs: [], index: [], matches: [], shown: 0, rows: new Map(), etag: null,
            loadedAt: 0, generatedAt: null, selected: null, token: sessionStorage.getItem(TOKEN_KEY) || '', failure: null,
          };
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

          // A GET of the API with the token. With `etag`, a `304 Not Modified` answer (the data
          // did not change) comes back as { notModified: true } without a body to parse.
          async function api(path, etag) {
            const headers = { Accept: 'application/json' };
            if (state.token) headers.Authorization = 'Bearer ' + state.token;
            if (etag) headers['If-None-Match'] = etag;
            const response = await fetch(path, { headers, cache: 'no-store' });
            if (response.status === 304) return { notModified: true };
            let body = null;
            try { body = await response.json(); } catch (e) { body = null; }
            if (response.status === 401) {
              $('token-form').hidden = false;
              throw new Error('the API needs a token' + (state.token ? ' (the one given was refused)' : ''));
            }
            if (!response.ok) throw new Error((body && body.error) || 'HTTP ' + response.status);
            return { body, etag: response.headers.get('ETag') };
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
            for (const entry of state.index) for (const label of entry.labels) labels.add(label);
            select.replaceChildren(el('option', 'all'));
            select.firstChild.value = '';
            for (const label of [...labels].sort()) {
              const option = el('option', label);
              option.value = label;
              select.append(option);
            }
            select.value = labels.has(current) ? current : '';
          }

          // Once per new document: what the filters compare, computed once rather than per keystroke.
          function prepare(jobs) {
            state.jobs = jobs;
            state.rows = new Map();
            state.index = jobs.map((job) => ({
              job,
              name: job.name.toLowerCase(),
              description: (job.description || '').toLowerCase(),
              labels: Object.entries(job.labels || {}).map(([k, v]) => k + '=' + v),
            }));
          }

          // The latest occurrences as a strip, oldest on the left; empty cells pad a short history.
          function strip(job) {
            const recent = (job.recent || []).slice(0, RECENT).reverse();
            const box = el('span', null, 'strip');
            box.setAttribute('role', 'img');
            box.setAttribute('aria-label', recent.length
              ? 'Latest ' + recent.length + ' occurrences, oldest first: ' + recent.map((o) => o.state).join(', ')
              : 'No occurrence yet');
            for (let i = recent.length; i < RECENT; i++) box.append(el('span'));
            for (const o of recent) {
              const cell = el('span', null, 'c-' + (VERDICTS.includes(o.state) ? o.state : 'NEW'));
              cell.title = time(o.scheduled_at) + ' — ' + o.state;
              box.append(cell);
            }
            return box;
          }

          function row(job) {
            const tr = el('tr');
            tr.tabIndex = 0;
            tr.dataset.job = job.name;
            if (job.name === state.selected) tr.className = 'selected';
            const labels = Object.entries(job.labels || {}).map(([k, v]) => k + '=' + v).join(' ');
            const name = cell('Job', el('span', job.name, 'name'));
            if (job.description) name.append(el('span', job.description, 'sub'));
            if (labels) name.append(el('span', labels, 'sub'));
            // Where the runs come from, unless it is the usual status file.
            if (job.source && job.source !== 'status_file') name.append(el('span', 'source: ' + job.source, 'sub'));
            const latest = job.latest && job.latest.message ? el('span', job.latest.message, 'sub') : '';
            const advice = ADVICE[job.status] ? el('span', ADVICE[job.status], 'sub advice') : '';
            const version = job.current_version;
            tr.append(
              name,
              cell('Status', badge(job.status),
                   job.silenced_until ? el('span', 'silenced until ' + time(job.silenced_until), 'silenced') : '', latest, advice),
              cell('Recent', strip(job)),
              cell('Last success', el('span', time(job.last_success_at)), el('span', age(job.last_success_at), 'sub')),
              cell('Current version', version ? el('span', version.id) : '—',
                   version ? el('span', version.files + (version.files === 1 ? ' file, ' : ' files, ') + bytes(version.bytes), 'sub') : '',
                   job.corrupted_versions ? el('span', job.corrupted_versions + ' kept version' + (job.corrupted_versions === 1 ? '' : 's') +
                     ' CORRUPTED. ' + ADVICE.CORRUPTED, 'corrupted') : ''),
              cell('Next window', job.next ? el('span', time(job.next.scheduled_at)) : '—',
                   job.next ? el('span', 'until ' + time(job.next.window_end), 'sub') : ''));
            return tr;
          }

          // The filters over the prepared index; only the first rows that match are built and
          // shown, more as the reader scrolls (or presses "Show more"), so that 10,000 jobs
          // never freeze the page. Rows once built are kept until the next document.
          function render(keepShown) {
            const status = $('status-filter').value;
            const label = $('label-filter').value;
            const text = $('search').value.trim().toLowerCase();
            state.matches = state.index.filter((entry) =>
              (!status || entry.job.status === status) &&
              (!label || entry.labels.includes(label)) &&
              (!text || entry.name.includes(text) || entry.description.includes(text)));
            const wanted = keepShown ? Math.max(PAGE, state.shown) : PAGE;
            state.shown = 0;
            $('job-rows').replaceChildren();
            showMore(wanted);
            $('empty').hidden = state.matches.length > 0 || state.jobs.length === 0;
            counts(status);
            $('updated').textContent = state.generatedAt ? 'Updated ' + time(state.generatedAt) : '';
          }

          function showMore(count) {
            const next = state.matches.slice(state.shown, state.shown + (count || PAGE));
            const fragment = document.createDocumentFragment();
            for (const entry of next) {
              let tr = state.rows.get(entry.job.name);
              if (!tr) {
                tr = row(entry.job);
                state.rows.set(entry.job.name, tr);
              }
              tr.className = entry.job.name === state.selected ? 'selected' : '';
              fragment.append(tr);
            }
            $('job-rows').append(fragment);
            state.shown += next.length;
            const more = $('more');
            more.hidden = state.shown >= state.matches.length;
            more.textContent = 'Show more (' + (state.matches.length - state.shown) + ' left)';
            $('shown').textContent = state.jobs.length
              ? (state.matches.length === state.jobs.length ? '' : state.matches.length + ' of ' + state.jobs.length + ' jobs match')
              : '';
          }

          // Jobs per status, as buttons that show only that status (pressed again: all).
          function counts(active) {
            const tally = {};
            for (const job of state.jobs) tally[job.status] = (tally[job.status] || 0) + 1;
            const parts = STATUSES.filter((s) => tally[s]).map((s) => tally[s] + ' ' + s);
            $('summary').textContent = state.jobs.length + ' jobs' + (parts.length ? ': ' + parts.join(', ') : '');
            const items = STATUSES.filter((s) => tally[s] || s === active).map((s) => {
              const button = el('button', null, 'count');
              button.type = 'button';
              button.dataset.status = s;
              button.setAttribute('aria-pressed', String(s === active));
              button.title = s === active ? 'Show every status' : 'Show only ' + s;
              button.append(badge(s), el('span', tally[s] || 0, 'n'));
              const item = el('li');
              item.append(button);
              return item;
            });
            $('counts').replaceChildren(...items);
          }

          async function refresh() {
            try {
              const answer = await api('/api/jobs', state.etag);
              state.loadedAt = Date.now();
              state.failure = null;
              if (!answer.notModified) {
                const document_ = answer.body || {};
                state.etag = answer.etag;
                state.generatedAt = document_.generated_at;
                prepare(document_.jobs || []);
                fillLabelFilter();
                render(true);
              }
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
              const job = (await api('/api/jobs/' + encodeURIComponent(name) + '?limit=20')).body;
              error.hidden = true;
              $('detail-title').replaceChildren(el('span', job.name + ' '), badge(job.status));
              showHistory(job.name);
              $('detail-description').textContent = [job.description, ADVICE[job.status]].filter(Boolean).join(' — ');
              $('occurrence-rows').replaceChildren(...(job.occurrences || []).map((o) => {
                const tr = el('tr');
                tr.append(
                  cell('Scheduled', time(o.scheduled_at)),
                  cell('Window end', time(o.window_end)),
                  cell('State', badge(o.state), o.late ? el('span', ' late', 'late') : '',
                       o.silenced ? el('span', 'alerts silenced', 'silenced') : ''),
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
            for (const tr of $('job-rows').children) tr.className = '';
          }

          function start() {
            const statusFilter = $('status-filter');
            for (const s of STATUSES) {
              const option = el('option', s);
              option.value = s;
              statusFilter.append(option);
            }
            statusFilter.addEventListener('change', () => render(false));
            $('label-filter').addEventListener('change', () => render(false));
            let typing = null;
            $('search').addEventListener('input', () => {
              clearTimeout(typing);
              typing = setTimeout(() => render(false), SEARCH_DELAY_MS);
            });
            $('counts').addEventListener('click', (event) => {
              const button = event.target.closest('button[data-status]');
              if (!button) return;
              statusFilter.value = statusFilter.value === button.dataset.status ? '' : button.dataset.status;
              render(false);
            });
            const more = $('more');
            more.addEventListener('click', () => showMore(PAGE));
            // Near the end of the rows shown, show the next ones.
            if ('IntersectionObserver' in window) {
              const watch = new IntersectionObserver((seen) => {
                if (!seen.some((e) => e.isIntersecting) || more.hidden) return;
                showMore(PAGE);
                // Observed anew, it reports again if the button is still in reach (short rows).
                watch.unobserve(more);
                watch.observe(more);
              }, { rootMargin: '600px' });
              watch.observe(more);
            }
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

    /// What to do about each problem status (and CORRUPTED), keyed by name, as a JSON object:
    /// the sentences come from the vocabulary, so a new problem brings its own.
    static let adviceJSON: String = {
        var advice: [String: String] = [:]
        for status in JobStatus.allCases { if let problem = status.problem { advice[status.rawValue] = problem.advice } }
        advice[Problem.corrupted.rawValue] = Problem.corrupted.advice
        let data = (try? JSONSerialization.data(withJSONObject: advice, options: [.sortedKeys])) ?? Data("{}".utf8)
        // Inside a <script>: "</" must not close it.
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
    }()
}
