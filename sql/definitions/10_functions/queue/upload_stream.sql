-- The stream a new upload goes to (locked, so that version numbers of
-- concurrent uploads to one stream do not collide).
CREATE OR REPLACE FUNCTION queue.upload_stream(p_user uuid, p_requested text)
RETURNS uuid LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE v_stream uuid;
BEGIN
  IF p_requested ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    SELECT s.id INTO v_stream FROM public.resume_streams s
     WHERE s.id = p_requested::uuid AND s.user_id = p_user FOR UPDATE;
    IF FOUND THEN
      RETURN v_stream;
    END IF;
  END IF;
  SELECT s.id INTO v_stream FROM public.resume_streams s
   WHERE s.user_id = p_user AND s.name = 'Default Resume'
   ORDER BY s.created_at, s.id LIMIT 1 FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO public.resume_streams (user_id, name) VALUES (p_user, 'Default Resume') RETURNING id INTO v_stream;
  END IF;
  RETURN v_stream;
END;
$$;

REVOKE ALL ON FUNCTION queue.upload_stream(uuid, text) FROM PUBLIC, anon, authenticated, careeros_worker, service_role;
