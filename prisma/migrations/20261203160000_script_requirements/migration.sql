-- Ansible scripts may carry a requirements file (the collections their playbook needs).
ALTER TABLE "script_versions" ADD COLUMN "requirements" TEXT;
