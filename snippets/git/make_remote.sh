git clone --bare . ~/git/hello-prefect.git
git remote add origin ~/git/hello-prefect.git
