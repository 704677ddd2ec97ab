-- wrk script for the fake LLM's throughput: a parse request in json_schema mode.
--   wrk -t2 -c64 -d10s -s tests/fake_llm/wrk-chat.lua http://127.0.0.1:PORT/v1/chat/completions
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Extract the resume."},{"role":"user","content":"Document date: 2024-05-01\n\n<<<RESUME\nJane Doe\njane@example.com\n+1 555 123 4567\nEXPERIENCE\nSenior Engineer at Acme Corp, Berlin (2019-03 - Present)\n- Built the billing platform\nEngineer at Globex (2015 - 2019)\nEDUCATION\nMIT, BSc Computer Science (2011 - 2015)\nSKILLS\nLanguages: C, Python, Go\nRESUME>>>"}],"max_tokens":4096,"temperature":0,"response_format":{"type":"json_schema","json_schema":{"name":"resume_parse","strict":true,"schema":{"type":"object"}}}}]]
